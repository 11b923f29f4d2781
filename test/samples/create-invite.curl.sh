curl -X POST "https://api-sandbox.contasimples.com/users/v1/invites" \
-H "Content-Type: application/json" \
-H "Authorization: Bearer YOUR_API_TOKEN" \
-d '{
"roleId": "550e8400-e29b-41d4-a716-446655440000",
"email": "user@company.com"
}'
