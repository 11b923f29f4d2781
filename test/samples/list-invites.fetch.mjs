const response = await fetch("https://api-sandbox.contasimples.com/users/v1/invites?status=PENDING&roleId=uuid-role-id&limit=10&nextPageStartKey=example_string", {
method: "GET",
headers: {
"Content-Type": "application/json",
"Authorization": "Bearer YOUR_API_TOKEN"
}
});
const data = await response.json();
console.log(data);
