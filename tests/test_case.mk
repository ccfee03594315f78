OBJ_test_case := $(B)/harness/case.o $(B)/harness/variant.o
