/** Chinese names and mobile numbers for generated residents, weighted roughly as in Zhejiang. */
import type { Gender } from '@huimin/schema';
import type { Random } from './prng';

// The commonest surnames first; the pick below favours the front of the list, as real names do.
const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'];
const SHARED_GIVEN = [...'文明华建国平军宁安永海春红晓子俊一思晨雨嘉欣'];
const MALE_GIVEN = [...'伟强磊洋勇杰涛斌超鹏辉刚健峰浩宇志飞波振亮兵林成东博豪'];
const FEMALE_GIVEN = [...'芳娜敏静丽艳娟霞秀英玲婷慧琳颖倩雪梅兰燕萍琴佳怡瑶蕾'];
const MOBILE_PREFIXES = ['130', '131', '132', '135', '136', '137', '138', '139', '150', '151', '152', '155', '157', '158', '159', '166', '173', '177', '180', '181', '186', '187', '188', '189', '198', '199'];

function surname(random: Random): string {
  // Squaring a uniform draw skews towards index 0 (王, 李, 张 ...).
  const index = Math.floor(random.next() ** 2 * SURNAMES.length);
  return SURNAMES[index] ?? '王';
}

function givenChar(random: Random, gender: Gender): string {
  if (random.chance(0.3)) return random.pick(SHARED_GIVEN);
  return random.pick(gender === 'M' ? MALE_GIVEN : FEMALE_GIVEN);
}

export function chineseName(random: Random, gender: Gender): string {
  const given = random.chance(0.35) ? givenChar(random, gender) : givenChar(random, gender) + givenChar(random, gender);
  return surname(random) + given;
}

export function mobilePhone(random: Random): string {
  return random.pick(MOBILE_PREFIXES) + random.digits(8);
}
