const inputBody = '{
"type": "object",
"properties": {
"emailAddresses": {
"type": "array",
"items": {
"type": "object",
"properties": {
"email": {
"type": "string",
"description": "The email address of the user to invite"
},
"password": {
"type": "string",
"description": "The password for the new user, must contain at least one uppercase letter, one lowercase letter, one number, one special character, and be at least 8 characters long"
}
}
}
}
}
}';
const headers = {
'Content-Type':'application/json',
'Accept':'application/json'
};
fetch('https://goldleaf.app/api/v1/organization/users/invite',
{
method: 'POST',
body: inputBody,
headers: headers
})
.then(function(res) {
return res.json();
}).then(function(body) {
console.log(body);
});
