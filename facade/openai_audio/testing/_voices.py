"""``/v1/audio/voices``: custom voices made from a sample and a consent."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from openai_audio.testing._errors import invalid
from openai_audio.testing._injection import fault_response, take_fault
from openai_audio.testing._pipeline import api_endpoint, request_context, server_state
from openai_audio.testing._requests import classify_form, read_form
from openai_audio.testing._validation import check_sample, require_text


async def create_voice(request: Request) -> Response:
    fault = await take_fault(request)
    form = await read_form(request)
    try:
        if fault:
            return fault_response(fault)
        fields = classify_form(
            form, scalars=frozenset({"name", "consent"}), files=frozenset({"audio_sample"})
        )
        name = require_text("name", fields.scalars.get("name"))
        consent_id = require_text("consent", fields.scalars.get("consent"))
        if "audio_sample" not in fields.files:
            raise invalid(
                "audio_sample",
                "Missing required parameter: 'audio_sample'.",
                code="missing_required_parameter",
            )
        sample = fields.files["audio_sample"]
        check_sample("audio_sample", sample)
        store = server_state(request).store
        if store.get_consent(consent_id) is None:
            raise invalid("consent", f"No such voice consent: '{consent_id}'", code="consent_not_found")
        voice = store.create_voice(name, consent_id, request_context(request).hashes[id(sample)])
        return JSONResponse(voice.resource())
    finally:
        await form.close()


ROUTES = [Route("/v1/audio/voices", api_endpoint(create_voice), methods=["POST"])]
