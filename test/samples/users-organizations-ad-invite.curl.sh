curl --request POST \
  --url https://z52mnqg347.execute-api.eu-west-3.amazonaws.com/main/users-organizations/v1/ad/invite \
  --header 'Authorization: Bearer <token>' \
  --header 'content-type: <content-type>' \
  --header 'x-session-token: <x-session-token>' \
  --data '
{
  "firstName": "John",
  "lastName": "Doe",
  "email": "test@mail.com",
  "permissions": {
    "group": 0
  }
}
'
