OBJ_test_capture := $(B)/harness/job/capture.o
LIBS_test_capture := $(shell $(PKG_CONFIG) --libs libpcap)
