import requests
import json
url = "https://api-sandbox.contasimples.com/users/v1/invites?status=PENDING&roleId=uuid-role-id&limit=10&nextPageStartKey=example_string"
headers = {
"Content-Type": "application/json",
"Authorization": "Bearer YOUR_API_TOKEN"
}
response = requests.get(url, headers=headers)
print(response.json())
