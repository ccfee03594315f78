OBJ_test_case := $(B)/harness/case/case.o $(B)/harness/case/variant.o
