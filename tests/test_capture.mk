OBJ_test_capture := build/harness/capture.o
