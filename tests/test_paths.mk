OBJ_test_paths := $(B)/harness/case/paths.o
