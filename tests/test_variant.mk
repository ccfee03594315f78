OBJ_test_variant := $(B)/harness/case/variant.o $(B)/harness/case/case.o
