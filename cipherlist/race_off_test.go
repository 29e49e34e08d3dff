//go:build !race

package cipherlist

const raceEnabled = false
