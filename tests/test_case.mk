OBJ_test_case := build/harness/case.o build/harness/variant.o
