{%- set modality = cookiecutter.modality -%}
"""The model as an HTTP service (FastAPI on uvicorn).

Run it with `python -m {{ cookiecutter.package_name }}.serve --port 8000`, then:
{%- if modality == "tabular" %}
`curl -X POST localhost:8000/predict -H 'content-type: application/json' -d '{"rows": [{...}]}'`
(one object a row, with every training column: see GET /schema).
{%- elif modality == "image" %}
`curl -X POST localhost:8000/predict -F file=@data/sample/0000.png`.
{%- else %}
`curl -X POST localhost:8000/predict -H 'content-type: application/json' -d '{"texts": ["..."]}'`.
{%- endif %}
Every response carries the model version. With `serve.log` set in params.yaml (or --log),
each request's inputs and predictions are appended to that JSON-lines file, which
`python -m {{ cookiecutter.package_name }}.monitor` reads.
"""

# No `from __future__ import annotations`: FastAPI reads the request models built below
# from the endpoints' real annotations.
import argparse
import json
import threading
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request{% if modality == "image" %}, UploadFile{% endif %}
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
{%- if modality == "tabular" %}
from pydantic import ConfigDict, Field, create_model
{%- elif modality == "text" %}
from pydantic import BaseModel, ConfigDict, Field
{%- endif %}
{% if modality == "tabular" %}
from .batch import BatchError, rows_to_array
{%- elif modality == "image" %}
from .batch import BatchError, decode_image
{%- endif %}
from .config import Config, load_config
from .data import load_preprocessing, preprocess
from .predictor import Predictor, records


class RequestLog:
    """Appends one JSON line a request; a lock keeps lines whole across worker threads."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, version: str, inputs: list[Any], outputs: list[dict[str, Any]]) -> None:
        if self.path is None:
            return
        entry = {"time": time.time(), "model_version": version}
        entry.update(inputs=inputs, outputs=outputs)
        line = json.dumps(entry)
        with self._lock, self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def create_app(config: Config, log: Path | None = None) -> FastAPI:
    """The service for the model trained in `config.root`; `log`, when given, is the
    JSON-lines file each request is appended to."""
    state = load_preprocessing(config)
    predictor = Predictor(config)
    settings = config.params.get("serve", {})
    max_bytes = int(settings.get("max_body_bytes", 1_000_000))
{%- if modality != "image" %}
    max_rows = int(settings.get("max_rows", 1000))
{%- endif %}
    request_log = RequestLog(log)
    app = FastAPI(title="{{ cookiecutter.project_name }}", version=predictor.version)

    @app.middleware("http")
    async def limit_body(request: Request, call_next):
        # Refused before the body is read, so a huge upload costs the service nothing.
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > max_bytes:
            return JSONResponse(
                status_code=413,
                content={
                    "detail": f"the request body is {length} bytes, over the limit of "
                    f"{max_bytes} (serve.max_body_bytes): send fewer rows a request",
                    "model_version": predictor.version,
                },
            )
        return await call_next(request)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            f"{'.'.join(str(part) for part in problem['loc'] if part != 'body')}: {problem['msg']}"
            for problem in error.errors()
        ]
        return JSONResponse(
            status_code=422,
            content={"detail": "; ".join(problems[:10]), "model_version": predictor.version},
        )

    def bad_request(status: int, detail: str) -> JSONResponse:
        content = {"detail": detail, "model_version": predictor.version}
        return JSONResponse(status_code=status, content=content)

    def answer(raw: Any, logged: list[Any]) -> dict[str, Any]:
        outputs = records(predictor.predict(preprocess(state, raw)))
        request_log.write(predictor.version, logged, outputs)
        return {"model_version": predictor.version, "predictions": outputs}

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "model_version": predictor.version}
{%- if modality == "tabular" %}

    # The schema: exactly the training columns, each a number; anything else is a 422.
    Row = create_model(
        "Row",
        __config__=ConfigDict(extra="forbid"),
{%- if cookiecutter._data %}
        # Numbers for the number columns, text for the category columns; null is missing.
        **{
            name: (float | None if name in state["numeric"] else str | float | None, ...)
            for name in state["columns"]
        },
{%- else %}
        **{name: (float, ...) for name in state["columns"]},
{%- endif %}
    )
    Rows = create_model(
        "Rows", __config__=ConfigDict(extra="forbid"), rows=(list[Row], Field(min_length=1))
    )

    @app.get("/schema")
    def schema() -> dict[str, Any]:
        return {"columns": state["columns"], "model_version": predictor.version}

    @app.post("/predict")
    def predict(body: Rows):
        if len(body.rows) > max_rows:
            limit = f"over the limit of {max_rows} (serve.max_rows)"
            return bad_request(413, f"{len(body.rows)} rows, {limit}")
        rows = [row.model_dump() for row in body.rows]
        try:
            raw = rows_to_array(state, rows)
        except BatchError as error:
            return bad_request(422, str(error))
        return answer(raw, rows)
{%- elif modality == "image" %}

    @app.post("/predict")
    async def predict(file: UploadFile):
        try:
            image = decode_image(state, await file.read())
        except BatchError as error:
            return bad_request(400, str(error))
        return answer(image[None], [image.round(4).tolist()])
{%- else %}

    class Texts(BaseModel):
        model_config = ConfigDict(extra="forbid")
        texts: list[str] = Field(min_length=1)

    @app.post("/predict")
    def predict(body: Texts):
        if len(body.texts) > max_rows:
            limit = f"over the limit of {max_rows} (serve.max_rows)"
            return bad_request(413, f"{len(body.texts)} texts, {limit}")
        return answer(body.texts, body.texts)
{%- endif %}

    return app


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="Serve the trained model over HTTP.")
    parser.add_argument("--params", default="params.yaml", help="the parameters file")
    parser.add_argument("--host", default="127.0.0.1", help="0.0.0.0 to listen on every interface")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--log", default=None, help="the request log (default: serve.log)")
    parser.add_argument("--no-log", action="store_true", help="log no requests")
    args = parser.parse_args(argv)
    config = load_config(args.params)
    log = None if args.no_log else args.log or config.params.get("serve", {}).get("log")
    app = create_app(config, config.path(log) if log else None)
    print(f"serving model {app.version} on http://{args.host}:{args.port}", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
