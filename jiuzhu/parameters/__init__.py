"""The city's and the counties' policy parameters, entered on their own pages by the city
civil-affairs bureau (audited, versioned), read by county users; no admin needed."""
