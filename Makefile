# Every target that needs the environment depends on $(STAMP), so each one works on a
# fresh machine on its own: the first run builds .venv, later runs reuse it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MODEL := models/ownership-clf-minilm
EXTRAS ?= dev,ray

.PHONY: install demo test test-fast train data datasheet bench bench-streaming bench-ray bench-onnx lint clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/ownership-clf score examples/ -o out/demo.jsonl --summary out/demo-summary.csv
	$(BIN)/ownership-clf report examples/ -o out/demo-report.html
	@echo "Scored rows: out/demo.jsonl  summary: out/demo-summary.csv  report: out/demo-report.html"

test: $(STAMP)
	$(BIN)/python -m pytest -q

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not slow"

data: $(STAMP)
	$(BIN)/python data/tools/build_dataset.py
	$(BIN)/python data/tools/datasheet.py

datasheet: $(STAMP)
	$(BIN)/python data/tools/datasheet.py

train: $(STAMP)
	$(BIN)/python training/train_default.py --config training/default.json --output $(MODEL)

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_inference.py

bench-streaming: $(STAMP)
	$(BIN)/python benchmarks/bench_streaming.py

bench-ray: $(STAMP)
	$(BIN)/python benchmarks/bench_ray.py

bench-onnx: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[onnx]"
	$(BIN)/python benchmarks/bench_onnx.py

lint: $(STAMP)
	$(BIN)/ruff check src tests training benchmarks data/tools
	$(BIN)/mypy

clean:
	rm -rf $(VENV) out runs .pytest_cache .mypy_cache .ruff_cache
