OBJ_test_vm := $(B)/harness/vm/initramfs.o $(B)/harness/vm/kernel.o $(B)/harness/vm/channel.o
