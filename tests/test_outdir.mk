OBJ_test_outdir := $(B)/harness/run/outdir.o
