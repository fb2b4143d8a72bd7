# bench/bench.mk: `make bench` (included by the top Makefile).
bench:
	@bench/run.sh
