import requests
import json
url = "https://cloud.smartdocumentor.net/api/v1.0/external/tenant/inviteusers"
payload = json.dumps({
"users": [
{
"email": "[email protected]",
"roleName": "Administrator"
}
]
})
headers = {
'Authorization': 'Bearer {your access token here}',
'Content-Type': 'application/json',
'Accept': 'application/json'
}
response = requests.request("POST", url, headers=headers, data=payload)
print(response.text)
