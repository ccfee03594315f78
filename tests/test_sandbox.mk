OBJ_test_sandbox := build/netns/sandbox.o build/netns/tun.o build/netns/link.o \
	build/netns/link_msg.o build/netns/sysctl.o build/netns/fsview.o \
	build/netns/lockdown.o
