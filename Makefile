# The two commands: `make demo` (the hall in a box) and `make test`.
# Each installs what it needs (Debian packages when missing, Python packages into .venv).
.PHONY: demo test bench setup clean

setup:
	@bash scripts/bootstrap.sh

demo: setup
	@.venv/bin/python -m demo.run $(if $(HEADLESS),--headless,)

test: setup
	@bash scripts/test.sh $(ARGS)

bench: setup
	@bash scripts/bench.sh

clean:
	rm -rf demo-output .pytest_cache
