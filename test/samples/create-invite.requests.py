import requests
import json
url = "https://api-sandbox.contasimples.com/users/v1/invites"
headers = {
"Content-Type": "application/json",
"Authorization": "Bearer YOUR_API_TOKEN"
}
data = {
"roleId": "550e8400-e29b-41d4-a716-446655440000",
"email": "user@company.com"
}
response = requests.post(url, headers=headers, json=data)
print(response.json())
