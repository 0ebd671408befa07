/**
 * The 21 core 3CX C2 domains (CrowdStrike's list of 2023-03-29, listed by eight publishers; see
 * iocs/3cx/README.md), in the order the publishers' files give them (alphabetical).
 */
export const CORE_3CX_DOMAINS: readonly string[] = [
  'akamaicontainer.com',
  'akamaitechcloudservices.com',
  'azuredeploystore.com',
  'azureonlinecloud.com',
  'azureonlinestorage.com',
  'dunamistrd.com',
  'glcloudservice.com',
  'journalide.org',
  'msedgepackageinfo.com',
  'msstorageazure.com',
  'msstorageboxes.com',
  'officeaddons.com',
  'officestoragebox.com',
  'pbxcloudeservices.com',
  'pbxphonenetwork.com',
  'pbxsources.com',
  'qwepoi123098.com',
  'sbmsa.wiki',
  'sourceslabs.com',
  'visualstudiofactory.com',
  'zacharryblogs.com',
];
