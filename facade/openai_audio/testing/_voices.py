"""``/v1/audio/voices``: custom voices, made from a sample and a consent or from a text prompt, and
their deletion (the consent recording stays)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from openai_audio.testing._errors import invalid, not_found
from openai_audio.testing._injection import fault_response, take_fault
from openai_audio.testing._pipeline import api_endpoint, request_context, server_state
from openai_audio.testing._requests import classify_form, read_form
from openai_audio.testing._validation import check_sample, require_text

_MODES = ("audio_sample", "prompt")
_SAMPLE_FIELDS = frozenset({"type", "name", "consent"})
_PROMPT_FIELDS = frozenset({"type", "name", "prompt", "model", "script_hint"})


async def create_voice(request: Request) -> Response:
    fault = await take_fault(request)
    form = await read_form(request)
    try:
        if fault:
            return fault_response(fault)
        mode = form.get("type", "audio_sample")
        if mode not in _MODES:
            supported = list(_MODES)
            raise invalid("type", f"Invalid value for 'type': '{mode}'. Supported values are: {supported}.")
        if mode == "prompt":
            fields = classify_form(form, scalars=_PROMPT_FIELDS, files=frozenset())
            name = require_text("name", fields.scalars.get("name"))
            prompt = require_text("prompt", fields.scalars.get("prompt"))  # whitespace-only is refused
            require_text("model", fields.scalars.get("model", "auto"))  # "auto" or a dated snapshot
            if "script_hint" in fields.scalars:
                require_text("script_hint", fields.scalars["script_hint"])  # not blank
            voice = server_state(request).store.create_prompt_voice(name, prompt)
            return JSONResponse(voice.resource())
        fields = classify_form(form, scalars=_SAMPLE_FIELDS, files=frozenset({"audio_sample"}))
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


async def delete_voice(request: Request) -> Response:
    fault = await take_fault(request)
    if fault:
        return fault_response(fault)
    voice_id: str = request.path_params["voice_id"]
    if not server_state(request).store.delete_voice(voice_id):  # a second delete finds nothing: 404
        raise not_found("voice", voice_id, param="voice_id")
    return JSONResponse({"id": voice_id, "deleted": True, "object": "audio.voice.deleted"})


ROUTES = [
    Route("/v1/audio/voices", api_endpoint(create_voice), methods=["POST"]),
    Route("/v1/audio/voices/{voice_id}", api_endpoint(delete_voice), methods=["DELETE"]),
]
