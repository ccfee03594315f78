OBJ_test_expect := $(B)/harness/expect.o $(B)/harness/case.o $(B)/harness/variant.o
