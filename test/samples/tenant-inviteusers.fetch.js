var myHeaders = new Headers();
myHeaders.append("Authorization", "Bearer {your access token here}");
myHeaders.append("Content-Type", "application/json");
myHeaders.append("Accept", "application/json");
var raw = JSON.stringify({
"users": [
{
"email": "[email protected]",
"roleName": "Some Name"
}
]
});
var requestOptions = {
method: 'POST',
headers: myHeaders,
body: raw
};
fetch("https://cloud.smartdocumentor.net/api/v1.0/external/tenant/inviteusers", requestOptions)
.then(response => response.text())
.then(result => console.log(result))
.catch(error => console.log('error', error));
