package models

import "testing"

func TestMask(t *testing.T) {
	names := map[string]string{"张三丰": "张**", "李": "李*", "": "", " 王五 ": "王*", "欧阳娜娜": "欧***"}
	for in, want := range names {
		if got := MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
	phones := map[string]string{"13812345678": "138****5678", "0571-88886666": "****6666", "": "", "123": "****"}
	for in, want := range phones {
		if got := MaskPhone(in); got != want {
			t.Errorf("MaskPhone(%q) = %q, want %q", in, got, want)
		}
	}
}
