OBJ_test_capture := $(B)/harness/capture.o
LIBS_test_capture := $(shell $(PKG_CONFIG) --libs libpcap)
