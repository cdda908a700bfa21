"""Infrastructure: the CDK app, the security headers and the local stack that emulates AWS."""
