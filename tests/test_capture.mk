OBJ_test_capture := build/harness/capture.o
LIBS_test_capture := $(shell $(PKG_CONFIG) --libs libpcap)
