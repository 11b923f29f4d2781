curl -X GET "https://api-sandbox.contasimples.com/users/v1/invites?status=PENDING&roleId=uuid-role-id&limit=10&nextPageStartKey=example_string" \
-H "Content-Type: application/json" \
-H "Authorization: Bearer YOUR_API_TOKEN"
