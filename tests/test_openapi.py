from openapi_spec_validator import validate

from tests.echo import register_echo


def test_openapi_document_is_valid(app, client):
    register_echo(app)
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json
    validate(spec)
    assert "/api/v1/test/echo" in spec["paths"]
    assert "Error" in spec["components"]["schemas"]


def test_docs_page_loads_its_assets_locally(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in page.get_data(as_text=True)
    asset = client.get("/api/v1/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    asset.close()
