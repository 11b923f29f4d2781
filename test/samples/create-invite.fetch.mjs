const response = await fetch("https://api-sandbox.contasimples.com/users/v1/invites", {
method: "POST",
headers: {
"Content-Type": "application/json",
"Authorization": "Bearer YOUR_API_TOKEN"
},
body: JSON.stringify({
"roleId": "550e8400-e29b-41d4-a716-446655440000",
"email": "user@company.com"
})
});
const data = await response.json();
console.log(data);
