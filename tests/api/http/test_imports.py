"""``POST /imports/{source}``: an uploaded file of an outside source imported as a job."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.http.conftest import ADMIN, COORDINATOR, AppFactory, auth
from tests.api.http.test_jobs import wait_for
from tests.conftest import FIXTURES

IMPORTERS = FIXTURES / "importers"
SHEET = IMPORTERS / "spreadsheet" / "researchers_ru.csv"


def _upload(
    client: TestClient, source: str, name: str, body: bytes, **query: str
) -> dict[str, object]:
    response = client.post(
        f"/imports/{source}",
        params={"name": name, **query},
        content=body,
        headers=auth(COORDINATOR),
    )
    assert response.status_code == 202, response.text
    job: dict[str, object] = wait_for(client, str(response.json()["id"]))
    return job


def test_a_spreadsheet_upload_is_imported_into_the_store(make_client: AppFactory) -> None:
    client = make_client()
    job = _upload(client, "spreadsheet", "researchers_ru.csv", SHEET.read_bytes())

    assert job["status"] == "succeeded", job["error"]
    result = job["result"]
    assert isinstance(result, dict)
    # Seven rows: one without a name, one repeated, one the first in Latin letters.
    assert result["saved"] == {"profiles": {"created": 4, "updated": 0}}
    assert result["counts"]["dropped"][0]["reason"] == "no name"
    assert result["counts"]["identity"]["resolved"] is True
    listed = client.get("/profiles", params={"country": "KZ"}, headers=auth(ADMIN)).json()
    assert [p["name"] for p in listed["items"]] == ["Нурланова Айгерим"]
    files = client.get(f"/jobs/{job['id']}/files", headers=auth(ADMIN)).json()
    assert [f["name"] for f in files] == ["import-report.json"]  # the upload is not listed


def test_identity_resolution_can_be_left_out_and_its_unsure_pairs_are_a_file(
    make_client: AppFactory,
) -> None:
    client = make_client()
    apart = _upload(client, "spreadsheet", "a.csv", SHEET.read_bytes(), resolve="false")
    assert apart["status"] == "succeeded", apart["error"]
    assert apart["result"]["saved"] == {"profiles": {"created": 5, "updated": 0}}  # type: ignore[index]

    body = "ФИО;Организация\nОльга Смирнова;Томский государственный университет\nO. Smirnova;\n"
    job = _upload(client, "spreadsheet", "b.csv", body.encode())
    assert job["status"] == "succeeded", job["error"]
    assert job["result"]["counts"]["identity"]["to_review"] == 1  # type: ignore[index]
    files = client.get(f"/jobs/{job['id']}/files", headers=auth(ADMIN)).json()
    assert [f["name"] for f in files] == ["identity-review.csv", "import-report.json"]


def test_cordis_as_a_zip_brings_institutions_and_organisations(make_client: AppFactory) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(IMPORTERS / "cordis" / "project.csv", "project.csv")
        archive.write(IMPORTERS / "cordis" / "organization.csv", "organization.csv")
    client = make_client()
    job = _upload(client, "cordis", "cordis-HORIZONprojects-csv.zip", buffer.getvalue())

    assert job["status"] == "succeeded", job["error"]
    saved = job["result"]["saved"]  # type: ignore[index]
    assert saved["institutions"]["created"] == saved["profiles"]["created"] == 18
    again = _upload(client, "cordis", "cordis.zip", buffer.getvalue())
    assert again["status"] == "failed" and "mode=upsert" in str(again["error"])
    upsert = _upload(client, "cordis", "cordis.zip", buffer.getvalue(), mode="upsert")
    assert upsert["status"] == "succeeded", upsert["error"]


def test_a_bad_file_fails_the_job_with_the_located_error_and_stores_nothing(
    make_client: AppFactory,
) -> None:
    client = make_client()
    body = "ФИО;Страна\nПетров Иван;Россия\nЛи Мин;Кетай\n".encode()
    job = _upload(client, "spreadsheet", "list.csv", body)

    assert job["status"] == "failed"
    assert "list.csv:3: field 'Страна': unknown country 'Кетай'" in str(job["error"])
    assert client.get("/profiles", headers=auth(ADMIN)).json()["total"] == 0


def test_a_file_type_the_source_does_not_read_is_refused_at_once(make_client: AppFactory) -> None:
    client = make_client()
    response = client.post(
        "/imports/orcid", params={"name": "records.csv"}, content=b"x", headers=auth(ADMIN)
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "query.name"
