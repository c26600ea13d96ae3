"""The web layer: the only code that imports FastAPI, Starlette or (for pages) a template engine. The app
factory, the route table, the error policy, the middlewares (static documents, CORS, page headers), and
the reading of requests and writing of responses around the layers below."""
