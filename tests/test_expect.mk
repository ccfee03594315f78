OBJ_test_expect := $(B)/harness/job/expect.o $(B)/harness/case/case.o $(B)/harness/case/variant.o
