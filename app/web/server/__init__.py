"""The web server's parts that are not pages: sign-in, security headers, delivery, the response cache, health, jobs, limits."""
