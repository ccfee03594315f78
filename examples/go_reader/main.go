// SPDX-License-Identifier: MIT

// go_reader is a tuncheck exec backend: Go's own runtime reading the queue
// through os.NewFile, as a Go VPN does.  Standard library only.
//
//	tuncheck run -b go-nb=exec:build/examples/go_reader -nonblock cases
//	tuncheck run -b go-block=exec:build/examples/go_reader cases
//
// Two modes, the two ways a Go program meets a tun fd:
//
//   - as handed over (the default): os.NewFile(3) on the fd as tuncheck
//     gives it.  A blocking fd (no `nonblock` on the case's reader) is not
//     pollable for Go: every Read is a blocking read(2) on an OS thread, and
//     Close cannot release it (the file is only closed once that read
//     returns: internal/poll's reference count).
//   - -nonblock: syscall.SetNonblock(3, true) first, as wireguard-go does
//     (tun.CreateTUNFromFile).  os.NewFile then registers the fd with the
//     netpoller (epoll, EPOLLIN|EPOLLOUT|EPOLLRDHUP|EPOLLET) at once: a
//     reader started before `attach` registers before TUNSETIFF, which is
//     golang/go#30426.  Close wakes a pending Read with os.ErrClosed.
//
// Protocol 2 (README: The exec protocol): Go hides its wakeups (the
// netpoller parks the goroutine; the program sees only Read returning), so
// it says `ready 2 no-wakes`, right after os.NewFile returned: that is when
// the runtime's registration (if any) is done.  Errors are reported by
// number (`error 77`), or as `error - MESSAGE` when Go gives no errno
// ("not pollable" once the netpoller saw EPOLLERR).
package main

import (
	"bufio"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var out sync.Mutex

// say writes one protocol line at once: tuncheck stamps it on arrival.
func say(format string, args ...interface{}) {
	out.Lock()
	defer out.Unlock()
	os.Stdout.WriteString(fmt.Sprintf(format, args...) + "\n")
}

func envInt(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil && v > 0 {
		return v
	}
	return def
}

// code is an error as the protocol wants it: an errno number, or "- TEXT".
func code(err error) string {
	var en syscall.Errno
	if errors.As(err, &en) {
		return strconv.Itoa(int(en))
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return "- " + strings.ReplaceAll(err.Error(), "\n", " ")
}

func main() {
	nonblock := flag.Bool("nonblock", false, "make fd 3 non-blocking first, as wireguard-go does")
	flag.Parse()
	fd := envInt("TUNCHECK_FD", 3)
	bufsize := envInt("TUNCHECK_BUFSIZE", 65536)
	retry := os.Getenv("TUNCHECK_ERRORS") == "retry"
	pause := time.Duration(envInt("TUNCHECK_RETRY_US", 1000)) * time.Microsecond

	if *nonblock {
		if err := syscall.SetNonblock(fd, true); err != nil {
			fmt.Fprintln(os.Stderr, "go_reader: SetNonblock:", err)
			os.Exit(1)
		}
	}
	f := os.NewFile(uintptr(fd), "tun")
	say("# go_reader: %s, fd non-blocking: %v", runtime.Version(), *nonblock || os.Getenv("TUNCHECK_NONBLOCK") == "1")
	say("ready 2 no-wakes")

	var closing atomic.Bool
	go func() { // the case's close step arrives on stdin
		in := bufio.NewScanner(os.Stdin)
		for in.Scan() {
			if in.Text() == "close" {
				closing.Store(true)
				f.Close()
			}
		}
	}()

	buf := make([]byte, bufsize)
	for {
		n, err := f.Read(buf)
		if err == nil || err == io.EOF {
			say("read %d %s", n, hex.EncodeToString(buf[:n]))
			continue
		}
		if closing.Load() && errors.Is(err, os.ErrClosed) {
			say("return ok")
			return
		}
		c := code(err)
		say("error %s", c)
		if !retry {
			if strings.HasPrefix(c, "-") {
				c = "EIO" // `return` takes an errno only
			}
			say("return %s", c)
			return
		}
		time.Sleep(pause)
	}
}
