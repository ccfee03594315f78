# packet_describe() names classes with proto_name() (the case model)
OBJ_test_packet = $(B)/harness/job/packet.o $(OBJ_test_case)
