"""Media on S3-compatible object storage (settings: STANDORTLOTSE_S3_BUCKET …, docs/deployment.md).

The storage configuration is the one settings.py builds from the environment (read in a
subprocess); the bucket is moto's in-process S3, so uploads, reads (photo sizes, social cards)
and deletes go through boto3 exactly as against a real endpoint.
"""

import boto3
import pytest
from django.urls import reverse
from moto import mock_aws

from standortlotse.places.models import PlacePhoto
from standortlotse.properties.models import PropertyPhoto
from tests.operations.settings_probe import setting_from_environment
from tests.places.support import png, submission
from tests.properties.support import published

pytestmark = pytest.mark.django_db

BUCKET = "standortlotse-media"
ENDPOINT = "https://s3.example-agency.de"
REGION = "eu-central-1"


def configured_storage(**env) -> dict:
    """STORAGES["default"] as settings.py builds it from these environment variables."""
    return setting_from_environment("STORAGES['default']", **env)


S3_ENV = {
    "STANDORTLOTSE_S3_BUCKET": BUCKET,
    "STANDORTLOTSE_S3_ENDPOINT_URL": ENDPOINT,
    "STANDORTLOTSE_S3_REGION": REGION,
}


@pytest.fixture(scope="module")
def s3_storage_setting():
    return configured_storage(**S3_ENV)


@pytest.fixture
def bucket(settings, monkeypatch, s3_storage_setting):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "MOTO_S3_CUSTOM_ENDPOINTS": ENDPOINT,
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name=REGION, endpoint_url=ENDPOINT)
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        settings.STORAGES = {**settings.STORAGES, "default": s3_storage_setting}
        yield client


def keys(client) -> list[str]:
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_without_a_bucket_media_stay_on_disk():
    assert (
        configured_storage(STANDORTLOTSE_S3_BUCKET="")["BACKEND"]
        == "django.core.files.storage.FileSystemStorage"
    )


def test_bucket_settings_from_the_environment(s3_storage_setting):
    assert s3_storage_setting["BACKEND"] == "standortlotse.core.storage.MediaS3Storage"
    options = s3_storage_setting["OPTIONS"]
    assert options["bucket_name"] == BUCKET and options["endpoint_url"] == ENDPOINT
    assert options["region_name"] == REGION and options["location"] == "media"
    assert options["querystring_auth"] is False and options["file_overwrite"] is False


def test_property_photo_goes_to_the_bucket_and_the_page_links_it(client, world, bucket):
    prop = published(world.prop_a)
    client.force_login(world.editor_a)
    response = client.post(
        reverse("properties:editor_photo_add", args=[prop.pk]),
        {"image": png("halle.png"), "alt_text": "Halle"},
    )
    assert response.status_code == 302
    photo = PropertyPhoto.objects.get()
    # the photo and its two card copies (made from the bucket's file when saved)
    assert keys(bucket) == sorted(
        f"media/{f.name}" for f in (photo.image, photo.thumbnail, photo.thumbnail_2x)
    )
    assert (photo.width, photo.height) == (300, 200)  # read from the bucket when saved
    client.logout()
    page = client.get(reverse("properties:detail", args=[prop.pk])).content.decode()
    assert f'src="{ENDPOINT}/{BUCKET}/media/{photo.image.name}"' in page
    assert "X-Amz-Signature" not in page  # stable public URLs, no expiring signatures
    # The social card reads the photo back from the bucket.
    card = client.get(reverse("properties:og_image", args=[prop.pk]))
    assert card.status_code == 200 and card["Content-Type"] == "image/png"
    # So does the PDF exposé, which embeds it.
    expose = client.get(reverse("properties:expose", args=[prop.pk]))
    assert expose.status_code == 200 and expose["Content-Type"] == "application/pdf"
    assert b"/Subtype /Image" in expose.content or b"/Subtype/Image" in expose.content


def test_removing_a_photo_removes_the_object(client, world, bucket):
    client.force_login(world.editor_a)
    client.post(
        reverse("properties:editor_photo_add", args=[world.prop_a.pk]),
        {"image": png(), "alt_text": "Halle"},
    )
    photo = PropertyPhoto.objects.get()
    assert keys(bucket)
    response = client.post(
        reverse("properties:editor_photo_delete", args=[world.prop_a.pk, photo.pk])
    )
    assert response.status_code in (200, 302)
    assert not PropertyPhoto.objects.exists() and keys(bucket) == []


def test_place_submission_photo_kept_across_errors_then_stored_in_the_bucket(client, world, bucket):
    url = reverse("places:submit", args=["altmark"])
    first = client.post(url, submission(world, photo=png(), photo_alt="Foto", consent=""))
    assert first.status_code == 200  # consent missing: the photo is kept for the next try
    kept = keys(bucket)
    assert len(kept) == 1
    token = first.context["form"].data["photo_token"]
    second = client.post(url, submission(world, photo_token=token, photo_alt="Foto"))
    assert second.status_code == 302
    photo = PlacePhoto.objects.get()
    # the kept copy is gone, the photo is stored with its card copies
    assert keys(bucket) == sorted(
        f"media/{f.name}" for f in (photo.image, photo.thumbnail, photo.thumbnail_2x)
    )


def test_old_kept_photos_are_cleared_from_the_bucket(client, world, bucket):
    from standortlotse.places import kept_photos

    client.post(
        reverse("places:submit", args=["altmark"]),
        submission(world, photo=png(), photo_alt="Foto", consent=""),
    )
    assert len(keys(bucket)) == 1
    assert kept_photos.clear() == 0  # fresh: kept for the visitor's next try


# --- safe headers as object metadata (issue 12) --------------------------------------------


def head(client, key) -> dict:
    return client.head_object(Bucket=BUCKET, Key=key)


def test_document_object_is_a_pdf_download_whatever_the_browser_declared(client, world, bucket):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from standortlotse.properties.models import PropertyDocument
    from tests.properties.support import RANDOM_PDF, valid_pdf

    client.force_login(world.editor_a)
    crafted = SimpleUploadedFile("x.html", valid_pdf(), content_type="text/html")
    response = client.post(
        reverse("properties:editor_document_add", args=[world.prop_a.pk]),
        {"file": crafted, "title": "B-Plan"},
    )
    assert response.status_code == 302
    document = PropertyDocument.objects.get()
    assert RANDOM_PDF.match(document.file.name)
    stored = head(bucket, f"media/{document.file.name}")
    assert (
        stored["ContentType"] == "application/pdf" and stored["ContentDisposition"] == "attachment"
    )
    assert stored["CacheControl"] == "public, max-age=604800"


def test_photo_object_is_an_image_shown_inline(client, world, bucket):
    client.force_login(world.editor_a)
    client.post(
        reverse("properties:editor_photo_add", args=[world.prop_a.pk]),
        {"image": png("halle.png"), "alt_text": "Halle"},
    )
    photo = PropertyPhoto.objects.get()
    assert photo.image.name.endswith(".jpg")
    stored = head(bucket, f"media/{photo.image.name}")
    assert stored["ContentType"] == "image/jpeg" and "ContentDisposition" not in stored


def test_any_other_object_is_unknown_bytes_to_download(bucket):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    name = storages.create_storage(storages.backends["default"]).save(
        "properties/documents/2024/x.html", ContentFile(b"<script>alert(1)</script>")
    )
    stored = head(bucket, f"media/{name}")
    assert (
        stored["ContentType"] == "application/octet-stream"
        and stored["ContentDisposition"] == "attachment"
    )


def test_media_metadata_re_stamps_objects_stored_before(bucket):
    from io import StringIO

    from django.core.management import call_command

    key = "media/properties/documents/2024/x.html"
    bucket.put_object(
        Bucket=BUCKET, Key=key, Body=b"%PDF-1.4<script>alert(1)</script>", ContentType="text/html"
    )
    listed = StringIO()
    call_command("media_metadata", stdout=listed)
    assert "text/html → application/octet-stream" in listed.getvalue()
    assert head(bucket, key)["ContentType"] == "text/html"  # listing changes nothing
    call_command("media_metadata", "--apply", stdout=StringIO())
    stored = head(bucket, key)
    assert (
        stored["ContentType"] == "application/octet-stream"
        and stored["ContentDisposition"] == "attachment"
    )
    assert bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read().startswith(b"%PDF-1.4")
    again = StringIO()
    call_command("media_metadata", stdout=again)
    assert "0 object(s)" in again.getvalue()
