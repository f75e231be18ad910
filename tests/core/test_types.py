"""`openai_audio.types` tells the truth: a public name that the generated models also have is the
generated class itself, and the façade's own classes (the stream events) have names of their own."""

from __future__ import annotations

import inspect

import pytest

import openai_audio
import openai_audio.types
import openai_audio_api.models

FACADE_EVENTS = [
    "SpeechAudioDeltaEvent",
    "SpeechAudioDoneEvent",
    "TranscriptTextDeltaEvent",
    "TranscriptTextSegmentEvent",
    "TranscriptTextDoneEvent",
    "UnknownEvent",
]


@pytest.mark.parametrize("module", [openai_audio, openai_audio.types])
def test_no_public_name_means_two_classes(module: object) -> None:
    clashes = [
        name
        for name in getattr(module, "__all__")  # noqa: B009 - both modules, one test
        if hasattr(openai_audio_api.models, name)
        and getattr(module, name) is not getattr(openai_audio_api.models, name)
    ]
    assert clashes == []


@pytest.mark.parametrize("name", FACADE_EVENTS)
def test_stream_events_are_the_facades_own_and_their_wire_shapes_are_models(name: str) -> None:
    event = getattr(openai_audio.types, name)
    assert event is getattr(openai_audio, name)
    assert event.__module__ == "openai_audio._events"
    assert not hasattr(openai_audio_api.models, name)
    if name != "UnknownEvent":
        model = getattr(openai_audio.types, f"{name}Model")
        assert model is getattr(openai_audio_api.models, f"{name}Model")
        assert inspect.getmodule(model).__name__.startswith("openai_audio_api.models.")  # type: ignore[union-attr]


def test_every_model_name_in_types_is_a_generated_class() -> None:
    own = {*FACADE_EVENTS, "AudioStream", "AsyncAudioStream", "EventStream", "AsyncEventStream"}
    for name in openai_audio.types.__all__:
        value = getattr(openai_audio.types, name)
        module = getattr(value, "__module__", "")
        if name in own:
            assert module.startswith("openai_audio."), name
        elif inspect.isclass(value):  # not the unions (SpeechStreamEvent, ...) nor the Literals
            assert module.startswith("openai_audio_api.models."), name
