"""``/v1/audio/voice_consents``: create, list, retrieve, rename and delete consent recordings."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from openai_audio.testing._errors import invalid, not_found, unrecognized
from openai_audio.testing._injection import fault_response, take_fault
from openai_audio.testing._pipeline import api_endpoint, request_context, server_state
from openai_audio.testing._requests import classify_form, read_form, read_json
from openai_audio.testing._validation import check_sample, require_text


async def create_voice_consent(request: Request) -> Response:
    fault = await take_fault(request)
    form = await read_form(request)
    try:
        if fault:
            return fault_response(fault)
        fields = classify_form(form, scalars=frozenset({"name", "language"}), files=frozenset({"recording"}))
        name = require_text("name", fields.scalars.get("name"))
        language = require_text("language", fields.scalars.get("language"), max_length=35)
        if "recording" not in fields.files:
            raise invalid(
                "recording", "Missing required parameter: 'recording'.", code="missing_required_parameter"
            )
        recording = fields.files["recording"]
        check_sample("recording", recording)
        consent = server_state(request).store.create_consent(
            name, language, request_context(request).hashes[id(recording)], recording.size or 0
        )
        return JSONResponse(consent.resource())
    finally:
        await form.close()


async def list_voice_consents(request: Request) -> Response:
    fault = await take_fault(request)
    if fault:
        return fault_response(fault)
    for key in request.query_params:
        if key not in ("after", "limit"):
            raise unrecognized(key)
    raw_limit = request.query_params.get("limit", "20")
    try:
        limit = int(raw_limit)
    except ValueError:
        raise invalid(
            "limit", f"Invalid value for 'limit': expected an integer, got '{raw_limit}'."
        ) from None
    if not 1 <= limit <= 100:
        raise invalid("limit", "Invalid value for 'limit': must be between 1 and 100.")
    page = server_state(request).store.list_consents(limit=limit, after=request.query_params.get("after"))
    data = [c.resource() for c in page.data]
    return JSONResponse(
        {
            "object": "list",
            "data": data,
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
            "has_more": page.has_more,
        }
    )


async def voice_consent(request: Request) -> Response:
    fault = await take_fault(request)
    body = await read_json(request) if request.method == "POST" else None
    if fault:
        return fault_response(fault)
    store = server_state(request).store
    consent_id: str = request.path_params["consent_id"]
    if request.method == "DELETE":
        if not store.delete_consent(consent_id):
            raise not_found("voice consent", consent_id, param="consent_id")
        return JSONResponse({"id": consent_id, "object": "audio.voice_consent", "deleted": True})
    if body is not None:
        for key in body:
            if key != "name":
                raise unrecognized(key)
        name = require_text("name", body.get("name"))
        if store.get_consent(consent_id) is None:
            raise not_found("voice consent", consent_id, param="consent_id")
        consent = store.rename_consent(consent_id, name)
    else:
        consent = store.get_consent(consent_id)
    if consent is None:
        raise not_found("voice consent", consent_id, param="consent_id")
    return JSONResponse(consent.resource())


ROUTES = [
    Route("/v1/audio/voice_consents", api_endpoint(create_voice_consent), methods=["POST"]),
    Route("/v1/audio/voice_consents", api_endpoint(list_voice_consents), methods=["GET"]),
    Route(
        "/v1/audio/voice_consents/{consent_id}",
        api_endpoint(voice_consent),
        methods=["GET", "POST", "DELETE"],
    ),
]
