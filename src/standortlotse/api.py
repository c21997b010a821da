"""The JSON API (django-ninja); OpenAPI schema at /api/openapi.json, docs at /api/docs."""

from ninja import NinjaAPI

from standortlotse.cases.api import router as cases_router
from standortlotse.core.apischema import FieldErrors
from standortlotse.exchange.changes import router as changes_router
from standortlotse.exchange.ogc import router as ogc_router
from standortlotse.geo.api import router as geo_router
from standortlotse.places.api import router as places_router
from standortlotse.properties.api import router as properties_router

api = NinjaAPI(
    title="Standortlotse API",
    version="1",
    description=(
        "Open data of the Standortlotse: published commercial properties and the regions. "
        "Read endpoints need no key. Write endpoints need an editor's session and CSRF token. "
        "A query parameter containing a NUL character is refused with 400 on every operation. "
        "A property has one or more zonings: `zonings` is a list (write it as a list too); "
        "`zoning`, the first of them, stays in the output for older readers and is deprecated."
    ),
    urls_namespace="api",
)
api.add_router("/", properties_router)
api.add_router("/", places_router)
api.add_router("/geo", geo_router)
api.add_router("/", cases_router)
api.add_router("/ogc", ogc_router)
api.add_router("/", changes_router)


@api.exception_handler(FieldErrors)
def field_errors(request, exc: FieldErrors):
    return api.create_response(request, {"detail": exc.errors}, status=422)
