OBJ_test_paths := $(B)/harness/paths.o
