curl -X 'POST' \
'https://cloud.smartdocumentor.net/api/v1.0/external/tenant/inviteusers' \
--header 'Authorization: Bearer {your access token here}' \
--header 'accept: application/json' \
--header 'Content-Type: application/json' \
--data '{
"users": [
{
"email": "[email protected]",
"roleName": "Administrator"
}
]
}'
