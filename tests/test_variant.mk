OBJ_test_variant := build/harness/variant.o build/harness/case.o
