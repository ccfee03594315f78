OBJ_test_expect := build/harness/expect.o build/harness/case.o build/harness/variant.o
