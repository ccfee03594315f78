OBJ_test_outdir := $(B)/harness/outdir.o
