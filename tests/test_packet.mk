OBJ_test_packet := build/harness/packet.o
