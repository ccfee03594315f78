OBJ_test_variant := $(B)/harness/variant.o $(B)/harness/case.o
