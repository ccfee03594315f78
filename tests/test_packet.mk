OBJ_test_packet := $(B)/harness/job/packet.o
