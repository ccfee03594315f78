OBJ_test_packet := $(B)/harness/packet.o
