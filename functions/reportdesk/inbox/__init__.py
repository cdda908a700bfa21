"""The API persons' web inbox: the inbox API behind the JWT authorizer (`handler`, who may call it
in `auth`) and the sign-in steps passed on to Cognito (`signin`). The work is in
`reportdesk.cases`.
"""
